import { capabilitiesSeverity, DANGEROUS_CAPABILITIES, normaliseCapability } from '../../capabilities.js';
import { sensitiveHostPath } from '../../host-paths.js';
import type { Hit } from '../../rule.js';
import { isYMap, isYSeq, type YNode } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, pairAt, prop, resourcesOf, type CfnRule } from '../model.js';
import { bool, follow, text, UNKNOWN } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';

/** Whether a task can only run on Fargate, which rejects the host's namespaces, host paths and privileged containers: nothing is deployed. */
function fargateOnly(t: CfnTemplate, task: CfnResource): boolean {
  const list = follow(t, prop(t, task, 'RequiresCompatibilities')?.value);
  if (list === UNKNOWN || !isYSeq(list) || list.items.length === 0) return false;
  return list.items.every((item) => text(t, item)?.toUpperCase() === 'FARGATE');
}

const containerName = (t: CfnTemplate, container: YNode) => {
  const name = text(t, field(t, container, 'Name')?.value);
  return name === undefined ? 'a container' : `container ${name}`;
};

const ecsTaskHostAccess: CfnRule = cfnRule({
  id: 'iac/cfn-ecs-task-host-access',
  title: "ECS task or Batch job shares the host's namespaces, runs privileged containers or adds dangerous capabilities",
  description:
    "An AWS::ECS::TaskDefinition for EC2 container instances shares the instance's process namespace (PidMode: host: the containers see every process of the instance, the ECS agent and the other tasks included, and can read their environment and, with SYS_PTRACE, their memory) or its IPC namespace (IpcMode: host), runs a container with Privileged: true (every capability and every host device: code in it can take over the instance, the credentials of its instance role and every task on it), gives a container a Linux capability that breaks its isolation (LinuxParameters.Capabilities.Add, judged as the compose and Kubernetes rules judge cap_add: SYS_ADMIN, SYS_MODULE or ALL critical; NET_ADMIN, NET_RAW, SYS_PTRACE, DAC_READ_SEARCH... high), or mounts a sensitive path of the instance as a volume (Host.SourcePath: the Docker socket, /, /proc, /etc, /var/run, kernel modules mounted writable). Fargate rejects the host's namespaces, host paths, privileged containers and every added capability but SYS_PTRACE (which reaches no further than the task's own virtual machine), so tasks that run only on Fargate are not reported. An AWS::Batch::JobDefinition runs its containers as ECS tasks on the instances of its compute environment: a privileged container or a sensitive host path of its ContainerProperties, of a node range (NodeProperties) or of a task (EcsProperties) is reported the same way, unless PlatformCapabilities is FARGATE only. The counterpart of iac/tf-aws-ecs-task-host-access.",
  remediation: 'Leave PidMode and IpcMode unset (or task), mount no system path of the instance (use EFS or Docker volumes for data), drop Privileged: true and add only the Linux capabilities the container needs; run tooling that must see the host as a daemon on the instance, not as a task.',
  severity: 'high',
  cwe: ['CWE-250', 'CWE-668'],
  examples: {
    positive: [
      'Resources:\n  Agent:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [EC2]\n      # expect\n      PidMode: host\n      ContainerDefinitions:\n        - Name: agent\n          Image: example.org/agent:1.0\n          # expect\n          Privileged: true\n        - Name: probe\n          Image: example.org/probe:1.0\n          LinuxParameters:\n            Capabilities:\n              # expect\n              Add: [NET_ADMIN, CAP_SYS_PTRACE]\n              Drop: [MKNOD]\n',
      'Resources:\n  Site:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: site\n          Image: example.org/site:1.0\n          MountPoints:\n            - { SourceVolume: docker-socket, ContainerPath: /var/run/docker.sock, ReadOnly: true }\n            - { SourceVolume: modules, ContainerPath: /lib/modules }\n      Volumes:\n        - Name: docker-socket\n          Host:\n            # expect\n            SourcePath: /var/run/docker.sock\n        - Name: modules\n          Host:\n            # expect\n            SourcePath: /lib/modules\n',
      // A Batch job on EC2 runs its container as an ECS task on the compute environment's instances.
      'Resources:\n  Scan:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      ContainerProperties:\n        Image: example.org/scan:1.0\n        # expect\n        Privileged: "True"\n        Volumes:\n          - Name: docker\n            Host:\n              # expect\n              SourcePath: /var/run/docker.sock\n        MountPoints:\n          - { SourceVolume: docker, ContainerPath: /var/run/docker.sock }\n',
    ],
    negative: [
      'Resources:\n  App:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      PidMode: task\n      ContainerDefinitions:\n        - Name: app\n          Image: example.org/app:1.0\n          Privileged: false\n          LinuxParameters:\n            Capabilities:\n              Add: [NET_BIND_SERVICE]\n              Drop: [ALL]\n          MountPoints:\n            - { SourceVolume: modules, ContainerPath: /lib/modules, ReadOnly: true }\n      Volumes:\n        - Name: modules\n          Host:\n            SourcePath: /lib/modules\n        - Name: scratch\n          Host:\n            SourcePath: /ecs/scratch\n',
      // Fargate rejects PidMode host; SYS_PTRACE stays inside the task's own virtual machine.
      'Resources:\n  Debug:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      PidMode: host\n      ContainerDefinitions:\n        - Name: debug\n          Image: example.org/debug:1.0\n          LinuxParameters:\n            Capabilities:\n              Add: [SYS_PTRACE]\n',
      'Resources:\n  Report:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      PlatformCapabilities: [FARGATE]\n      ContainerProperties:\n        Image: example.org/report:1.0\n        Privileged: true\n  Train:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      ContainerProperties:\n        Image: example.org/train:1.0\n        Privileged: false\n        Volumes:\n          - Name: scratch\n            Host: { SourcePath: /scratch }\n',
    ],
  },
  *check(t) {
    for (const task of resourcesOf(t, 'AWS::ECS::TaskDefinition')) {
      if (fargateOnly(t, task)) continue;
      const containers = entries(t, prop(t, task, 'ContainerDefinitions')?.value);
      yield* hostModes(t, task, containers);
      for (const container of containers) {
        const privileged = field(t, container, 'Privileged');
        if (privileged && bool(t, privileged.value) === true) {
          yield { line: privileged.keyLine, message: `${label(task)} runs ${containerName(t, container)} privileged: code in it can take over the container instance and every task on it.`, resource: label(task), severity: 'critical' };
          // A privileged container has every capability: the finding above says so.
          continue;
        }
        const add = pairAt(t, container, 'LinuxParameters', 'Capabilities', 'Add');
        const dangerous = capabilitiesAdded(t, container).filter((cap) => DANGEROUS_CAPABILITIES.has(cap));
        if (add && dangerous.length > 0)
          yield { line: add.keyLine, message: `${label(task)} gives ${containerName(t, container)} ${dangerous.join(', ')}: capabilities that break the container's isolation from the instance and its other tasks.`, resource: label(task), severity: capabilitiesSeverity(dangerous) };
      }
      const definitions = follow(t, prop(t, task, 'ContainerDefinitions')?.value);
      yield* hostVolumes(t, task, prop(t, task, 'Volumes')?.value, definitions !== UNKNOWN && isYSeq(definitions), containers);
    }
    // An AWS Batch job on EC2 compute environments runs its containers on ECS container instances: the same judgement.
    for (const job of resourcesOf(t, 'AWS::Batch::JobDefinition')) {
      if (batchFargateOnly(t, job)) continue;
      for (const group of batchGroups(t, job)) {
        for (const container of group.containers) {
          const privileged = field(t, container, 'Privileged');
          if (privileged && bool(t, privileged.value) === true)
            yield { line: privileged.keyLine, message: `${label(job)} runs ${containerName(t, container)} privileged: code in it can take over the compute environment's instance and every job on it.`, resource: label(job), severity: 'critical' };
        }
        yield* hostVolumes(t, job, group.volumes, group.containersRead, group.containers);
      }
    }
  },
});

/** The Linux capabilities a container adds (LinuxParameters.Capabilities.Add) that can be read, normalised (SYS_ADMIN). */
function capabilitiesAdded(t: CfnTemplate, container: YNode): string[] {
  const add = pairAt(t, container, 'LinuxParameters', 'Capabilities', 'Add');
  return entries(t, add?.value)
    .map((item) => text(t, item))
    .filter((cap): cap is string => cap !== undefined)
    .map(normaliseCapability);
}

function* hostModes(t: CfnTemplate, task: CfnResource, containers: YNode[]): Generator<Hit> {
  for (const [mode, what] of [
    ['PidMode', 'process namespace: its containers see every process of the instance and can read their environment'],
    ['IpcMode', "IPC namespace: its containers can reach the shared memory of the instance's processes"],
  ] as const) {
    const setting = prop(t, task, mode);
    if (!setting || text(t, setting.value)?.toLowerCase() !== 'host') continue;
    // With SYS_PTRACE, a container that sees the instance's processes can also read and change their memory.
    const tracing = mode === 'PidMode' ? containers.filter((c) => capabilitiesAdded(t, c).includes('SYS_PTRACE')).map((c) => containerName(t, c)) : [];
    const also = tracing.length > 0 ? `; ${tracing.join(', ')} ${tracing.length === 1 ? 'adds' : 'add'} SYS_PTRACE, and can also read and change their memory` : '';
    yield { line: setting.keyLine, message: `${label(task)} shares the container instance's ${what} (${mode}: host)${also}.`, resource: label(task), ...(mode === 'IpcMode' ? { severity: 'medium' as const } : {}) };
  }
}

/**
 * Volumes that mount a sensitive path of the container instance (Host.SourcePath), judged
 * with host-paths.ts as the Terraform rule does: a system path only readable to anyone
 * (kernel modules, /usr) counts when a container mounts it writable. A mount whose
 * ReadOnly cannot be read may be read-only; so may every mount when the containers
 * (`containersRead` false) or a mount's volume cannot be read.
 */
function* hostVolumes(t: CfnTemplate, owner: CfnResource, volumes: YNode | null | undefined, containersRead: boolean, containers: YNode[]): Generator<Hit> {
  const unread =
    !containersRead ||
    containers.some((c) => {
      const mounts = field(t, c, 'MountPoints');
      const list = follow(t, mounts?.value);
      return list === UNKNOWN || (mounts !== undefined && list !== null && !isYSeq(list)) || entries(t, mounts?.value).some((m) => text(t, field(t, m, 'SourceVolume')?.value) === undefined);
    });
  for (const volume of entries(t, volumes)) {
    const source = pairAt(t, volume, 'Host', 'SourcePath');
    const path = text(t, source?.value);
    if (!source || path === undefined) continue;
    const name = text(t, field(t, volume, 'Name')?.value);
    const mounts = containers.flatMap((c) => entries(t, field(t, c, 'MountPoints')?.value)).filter((m) => text(t, field(t, m, 'SourceVolume')?.value) === name);
    const readOnly = mounts.length > 0 && mounts.every((m) => bool(t, field(t, m, 'ReadOnly')?.value) !== false && bool(t, field(t, m, 'ReadOnly')?.value) !== undefined);
    const what = sensitiveHostPath(path, 'host', unread || readOnly);
    if (what) yield { line: source.keyLine, message: `${label(owner)} mounts ${path} of the container instance${name === undefined ? '' : ` (volume ${name})`}: ${what.replace(/^the host's/, "the instance's")}.`, resource: label(owner) };
  }
}

/**
 * The containers of an AWS Batch job definition, each with the volumes it may mount: a
 * single-node job's ContainerProperties (its Volumes inside it), each node range of a
 * multi-node job (NodeProperties), and each task of an ECS-properties job (its Containers
 * share the task's Volumes).
 */
function batchGroups(t: CfnTemplate, job: CfnResource): Array<{ volumes: YNode | null | undefined; containersRead: boolean; containers: YNode[] }> {
  const groups: Array<{ volumes: YNode | null | undefined; containersRead: boolean; containers: YNode[] }> = [];
  const single = (container: YNode | null | undefined) => {
    const target = follow(t, container);
    if (target === UNKNOWN || !isYMap(target)) return;
    groups.push({ volumes: field(t, target, 'Volumes')?.value, containersRead: true, containers: [target] });
  };
  single(prop(t, job, 'ContainerProperties')?.value);
  for (const range of entries(t, prop(t, job, 'NodeProperties', 'NodeRangeProperties')?.value)) single(field(t, range, 'Container')?.value);
  for (const task of entries(t, prop(t, job, 'EcsProperties', 'TaskProperties')?.value)) {
    const definitions = field(t, task, 'Containers')?.value;
    const listed = follow(t, definitions);
    groups.push({ volumes: field(t, task, 'Volumes')?.value, containersRead: listed !== UNKNOWN && isYSeq(listed), containers: entries(t, definitions) });
  }
  return groups;
}

/** Whether a Batch job definition runs only on Fargate (PlatformCapabilities), which rejects privileged containers and host paths. */
function batchFargateOnly(t: CfnTemplate, job: CfnResource): boolean {
  const list = follow(t, prop(t, job, 'PlatformCapabilities')?.value);
  if (list === UNKNOWN || !isYSeq(list) || list.items.length === 0) return false;
  return list.items.every((item) => text(t, item)?.toUpperCase() === 'FARGATE');
}

export const ecsTaskRules: readonly CfnRule[] = [ecsTaskHostAccess];

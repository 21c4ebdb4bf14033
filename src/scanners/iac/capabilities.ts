/**
 * Linux capabilities a container adds that break its isolation, shared by the compose,
 * Kubernetes and ECS task rules: SYS_ADMIN (almost root: mounts, namespaces, cgroups),
 * SYS_MODULE (load kernel modules), NET_ADMIN and NET_RAW (network tampering and spoofing),
 * SYS_PTRACE (read and change other processes' memory), SYS_RAWIO, DAC_READ_SEARCH (read any
 * file by handle, the "shocker" escape), SYS_BOOT, BPF, PERFMON, MAC_ADMIN, MAC_OVERRIDE,
 * SYS_TIME, and ALL. Kubernetes counts SYSLOG too (kubernetes/rules.ts).
 *
 * Not DAC_OVERRIDE, CHOWN, SETUID, SYS_CHROOT, SETFCAP and the rest of the set Docker and
 * containerd give every container unless it drops them (which the baseline Pod Security
 * Standard allows to add): adding one back after `drop: [ALL]` (rabbitmq's, bitnami's
 * volume-permissions) restores what a default container has, no more. NET_RAW is in that
 * set too but stays here: the baseline standard forbids adding it (spoofing on the pod network).
 */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'SYS_BOOT', 'BPF', 'PERFMON', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYS_TIME']);

/** A capability as the runtimes take it: case-insensitive, with or without the CAP_ prefix. */
export function normaliseCapability(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, '');
}

/** Capabilities that give a container about what privileged gives: every capability, SYS_ADMIN, or loading kernel modules. */
const HOST_TAKEOVER = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE']);

/** The severity of adding these dangerous capabilities, as the Kubernetes and ECS rules judge it: critical with one that takes the host over, else high. */
export function capabilitiesSeverity(capabilities: readonly string[]): 'critical' | 'high' {
  return capabilities.some((cap) => HOST_TAKEOVER.has(cap)) ? 'critical' : 'high';
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';

/** A pod in namespace shop that mounts each path, one volume per line; returns `path rule` for the hostPath rules. */
function hostPathFindings(paths: string[]): Array<{ path: string; rule: string; message: string }> {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: app', '  namespace: shop', 'spec:', '  containers:', '  - name: app', '    image: app:1.0.0', '  volumes:'];
  const lineOfPath = new Map<number, string>();
  paths.forEach((path, i) => {
    lines.push(`  - name: v${i}`, '    hostPath:', `      path: ${path}`);
    lineOfPath.set(lines.length, path);
  });
  const result = analyseFile('pod.yaml', lines.join('\n') + '\n', () => {}, 'kubernetes');
  return result.findings
    .filter((f) => /^iac\/k8s-(?:hostpath-|docker-socket)/.test(f.ruleId))
    .map((f) => ({ path: lineOfPath.get(f.location.startLine) ?? `line ${f.location.startLine}`, rule: f.ruleId.replace('iac/k8s-', ''), message: f.message }));
}

test('hostpath-sensitive: paths into the node or other workloads are sensitive; an application data folder under /var is a plain hostPath', () => {
  const sensitive = ['/', '/etc', '/etc/kubernetes/', '/proc', '/sys/fs/cgroup', '/dev/tty1', '/root/.ssh', '/home', '/boot', '/usr/bin', '/lib', '/run', '/var/run', '/var/run/secrets',
    '/usr/share/appdata', '/var/lib/kubelet', '/var/lib/kubelet/pods', '/var/lib/docker/containers', '/var/lib/containerd', '/var/lib/etcd', '/var/log', '/var/log/pods', '/var/log/containers/', '/var', '/var/lib', '/opt/cni/bin', '/var/spool/cron',
    '/var/log/auth.log', '/var/log/syslog', '/var/log/messages', '/var/log/secure-20240101', '/var/log/kubelet.log', '/var/log/kern.log.1'];
  const plain = ['/usr/share/appdata/myapp', '/var/lib/myapp', '/var/data', '/var/redis/data', '/var/local/static', '/var/log/myapp', '/var/log/nginx', '/var/log/messages-app', '/var/lib/mysql', '/var/cache/app', '/srv/data', '/opt', '/tmp/cache', '/data'];
  // A CSI driver's own folder of sockets under the kubelet's, and the syslog socket: plain host paths.
  plain.push('/var/lib/kubelet/plugins/csi.example.com', '/var/lib/kubelet/plugins/csi.example.com/', '/dev/log');
  // A node's /etc is the platform's: an application's folder there is sensitive too (compose reads a Docker host's /etc differently).
  sensitive.push('/etc/pihole', '/etc/nginx', '/etc/ssh');
  // Where the kubelet stages every pod's volumes, and where plugins register with it, stay sensitive.
  sensitive.push('/var/lib/kubelet/plugins', '/var/lib/kubelet/plugins/kubernetes.io/csi', '/var/lib/kubelet/plugins_registry', '/dev/logs');
  // These volumes have no mounts, so none is written to: the kernel's modules and headers, read-only, are no finding (a written one is: the rule's examples).
  plain.push('/lib/modules', '/usr/src');
  const found = hostPathFindings([...sensitive, ...plain]);
  const sensitiveFound = found.filter((f) => f.rule === 'hostpath-sensitive').map((f) => f.path);
  assert.deepEqual(sensitiveFound, sensitive);
  // Every other hostPath gets the plain finding (the namespace is not kube-system); a sensitive one is reported once, by hostpath-sensitive.
  const plainFound = found.filter((f) => f.rule === 'hostpath-volume').map((f) => f.path);
  assert.deepEqual(plainFound, plain);
  const message = (path: string) => found.find((f) => f.rule === 'hostpath-sensitive' && f.path === path)!.message;
  assert.equal(message('/var/log'), 'Pod/app mounts /var/log from the node: the logs of every pod and service on the node.');
  assert.match(message('/var/lib/kubelet/pods'), /the kubelet's state, with the Secrets and volumes of every pod on the node/);
  // The registration folder says what registering there gives (spire's and every CSI driver's node-driver-registrar mount it).
  assert.match(message('/var/lib/kubelet/plugins_registry'), /^Pod\/app mounts \/var\/lib\/kubelet\/plugins_registry from the node: the kubelet's plugin registration folder: a plugin registered there under a driver's name is handed that driver's volumes on the node/);
  assert.match(message('/etc/kubernetes/'), /the kubelet's credentials/);
  assert.match(message('/var/log/auth.log'), /the node's own logs, with its logins/);
});

test('hostpath-sensitive: runtime sockets and Docker\'s data directory stay with docker-socket, once', () => {
  const found = hostPathFindings(['/var/run/docker.sock', '/run/containerd/containerd.sock', '/var/lib/docker', '/var/run/crio/crio.sock']);
  assert.deepEqual(
    found.filter((f) => f.rule !== 'hostpath-volume').map((f) => `${f.path} ${f.rule}`),
    ['/var/run/docker.sock docker-socket', '/run/containerd/containerd.sock docker-socket', '/var/lib/docker docker-socket', '/var/run/crio/crio.sock docker-socket'],
  );
});

test('hostpath-sensitive: Windows paths are read without their drive, and the named pipes of the node are its services', () => {
  const sensitive = ['C:\\', 'C:\\var\\lib\\kubelet', 'c:/var/lib/kubelet/plugins_registry', 'C:\\Windows\\System32', 'C:\\etc\\kubernetes', '\\\\.\\pipe\\csi-proxy-disk-v1'];
  const plain = ['C:\\var\\lib\\kubelet\\plugins\\ebs.csi.aws.com', 'C:\\data', 'D:\\logs\\app'];
  const found = hostPathFindings([...sensitive, ...plain, '\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\containerd-containerd']);
  assert.deepEqual(found.filter((f) => f.rule === 'hostpath-sensitive').map((f) => f.path), sensitive);
  assert.deepEqual(found.filter((f) => f.rule === 'docker-socket').map((f) => f.path), ['\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\containerd-containerd']);
  const message = (path: string) => found.find((f) => f.rule === 'hostpath-sensitive' && f.path === path)!.message;
  assert.match(message('C:\\var\\lib\\kubelet'), /the kubelet's state/);
  assert.match(message('\\\\.\\pipe\\csi-proxy-disk-v1'), /a named pipe of a service of the node/);
});

test('hostPath rules: a path that only privileged containers mount is low, named as such; one a container without privilege mounts keeps its severity', () => {
  const manifest = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: node-agent',
    '  namespace: networking',
    'spec:',
    '  template:',
    '    spec:',
    '      initContainers:',
    '      - name: install',
    '        image: registry.example.org/agent:1.0.0',
    '        securityContext:',
    '          privileged: true',
    '        volumeMounts:',
    '        - { name: cni-bin, mountPath: /host/opt/cni/bin }',
    '      containers:',
    '      - name: agent',
    '        image: registry.example.org/agent:1.0.0',
    '        securityContext:',
    '          privileged: true',
    '        volumeMounts:',
    '        - { name: cni-bin, mountPath: /host/opt/cni/bin }',
    '        - { name: kubelet, mountPath: /var/lib/kubelet }',
    '      - name: exporter',
    '        image: registry.example.org/exporter:1.0.0',
    '        volumeMounts:',
    '        - { name: kubelet, mountPath: /var/lib/kubelet }',
    '      volumes:',
    '      - name: cni-bin',
    '        hostPath:',
    '          path: /opt/cni/bin',
    '      - name: kubelet',
    '        hostPath:',
    '          path: /var/lib/kubelet',
    '      - name: unused',
    '        hostPath:',
    '          path: /etc',
    '',
  ].join('\n');
  const found = analyseFile('agent.yaml', manifest, () => {}, 'kubernetes')
    .findings.filter((f) => /^iac\/k8s-hostpath-/.test(f.ruleId))
    .map((f) => `${f.location.startLine} ${f.ruleId.replace('iac/k8s-', '')} ${f.severity}`);
  assert.deepEqual(found.sort(), [
    // Only the privileged init container and agent mount /opt/cni/bin.
    '31 hostpath-sensitive low',
    // The exporter, without privilege, mounts the kubelet's state too.
    '34 hostpath-sensitive high',
    // A volume no container mounts is judged as before.
    '37 hostpath-sensitive high',
  ]);
  const message = analyseFile('agent.yaml', manifest, () => {}, 'kubernetes').findings.find((f) => f.ruleId === 'iac/k8s-hostpath-sensitive' && f.location.startLine === 31)!.message;
  assert.equal(message, 'DaemonSet/node-agent mounts /opt/cni/bin from the node: programs the node runs as root; only privileged containers mount it, and they have the whole node without it (iac/k8s-privileged-container reports them).');
});

test('hostpath-sensitive says when every container mounts the system path read-only (a node exporter reading / and /sys), at the same severity', () => {
  const manifest = [
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata:',
    '  name: node-exporter',
    '  namespace: monitoring',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: exporter',
    '        image: registry.example.org/exporter:1.0.0',
    '        volumeMounts:',
    '        - { name: root, mountPath: /host/root, readOnly: true }',
    '        - { name: sys, mountPath: /host/sys }',
    '      volumes:',
    '      - name: root',
    '        hostPath:',
    '          path: /',
    '      - name: sys',
    '        hostPath:',
    '          path: /sys',
    '',
  ].join('\n');
  const found = analyseFile('exporter.yaml', manifest, () => {}, 'kubernetes')
    .findings.filter((f) => f.ruleId === 'iac/k8s-hostpath-sensitive')
    .map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);
  assert.deepEqual(found, [
    "18 high DaemonSet/node-exporter mounts / from the node read-only: the node's whole file system.",
    "21 high DaemonSet/node-exporter mounts /sys from the node: the node's kernel interfaces.",
  ]);
});

test('hostpath-sensitive says what the path holds: a file of runtime state is no socket, shared data is no program, a user session folder is no service', () => {
  const said = (path: string) => hostPathFindings([path]).find((f) => f.rule === 'hostpath-sensitive')?.message.replace(/^Pod\/app mounts \S+ from the node: /, '');
  assert.equal(said('/run/flannel/subnet.env'), "the node's runtime state: the sockets, network namespaces and run-time configuration of its services and container runtime.");
  assert.equal(said('/usr/share/wireguard'), "data that the node's programs read and trust (their defaults, scripts and keyrings).");
  assert.equal(said('/run/user/1000/pulse'), 'the session folder of a user logged in on the node, with the sockets of their D-Bus session, agents and sound server.');
  assert.equal(said('/usr/bin'), 'programs the node runs as root.');
  assert.equal(said('/usr/share'), "data that the node's programs read and trust (their defaults, scripts and keyrings).");
});

test('hostpath-sensitive: the kernel\'s headers and modules, written to, are named as such, not as programs', () => {
  const manifest = [
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: probe', '  namespace: mon', 'spec:', '  containers:', '  - name: probe', '    image: registry.example.org/probe:1.0.0',
    '    volumeMounts:', '    - name: src', '      mountPath: /usr/src/kernels', '    - name: modules', '      mountPath: /lib/modules',
    '  volumes:', '  - name: src', '    hostPath:', '      path: /usr/src/kernels', '  - name: modules', '    hostPath:', '      path: /lib/modules', '',
  ].join('\n');
  const found = analyseFile('probe.yaml', manifest, () => {}, 'kubernetes')
    .findings.filter((f) => f.ruleId === 'iac/k8s-hostpath-sensitive')
    .map((f) => `${f.location.startLine} ${f.message}`);
  assert.deepEqual(found, [
    "18 Pod/probe mounts /usr/src/kernels from the node: the node's kernel headers and sources, against which modules for its kernel are built: with /lib/modules they let a container build and load a module that matches the node's kernel, and written to, they change what the node's own module builds (DKMS) compile.",
    "21 Pod/probe mounts /lib/modules from the node: the node's kernel modules, code its kernel loads as its own.",
  ]);
});

test('hostpath-volume yields to hostpath-sensitive on the same volume: one finding, the plain one kept aside for the benchmark', () => {
  const manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: app:1.0.0\n  volumes:\n  - name: logs\n    hostPath:\n      path: /var/log\n  - name: data\n    hostPath:\n      path: /srv/data\n';
  const analysis = analyseFile('pod.yaml', manifest, () => {}, 'kubernetes');
  const said = (findings: readonly { ruleId: string; location: { startLine: number } }[]) => findings.filter((f) => /hostpath/.test(f.ruleId)).map((f) => `${f.location.startLine} ${f.ruleId}`);
  assert.deepEqual(said(analysis.findings), ['13 iac/k8s-hostpath-sensitive', '16 iac/k8s-hostpath-volume']);
  assert.deepEqual(said(analysis.yielded ?? []), ['13 iac/k8s-hostpath-volume']);
});

/**
 * Host paths that give a container the machine it runs on (a Kubernetes node, a Docker
 * host) or its other workloads, shared by the Kubernetes hostPath rules and the compose
 * bind-mount rule. Each says what the path holds, for the machine named `host` ('node' or
 * 'host'). Under /var and /run only the directories of the machine's system, runtime and
 * Kubernetes count: an application's own folder (/var/lib/myapp, /var/log/myapp,
 * /run/promtail) is a plain host path, and so is a CSI driver's own folder of sockets
 * under the kubelet's (/var/lib/kubelet/plugins/ebs.csi.aws.com; not kubernetes.io, where
 * the kubelet stages every pod's volumes). Under /etc of a Docker host only the machine's own
 * configuration counts (ETC_SYSTEM): there an application's own folder (/etc/pihole,
 * /etc/traefik) holds the configuration of the service the compose file runs; a Kubernetes
 * node's /etc is the platform's, where no workload keeps its configuration (ConfigMaps do),
 * so all of it counts. Under /home only a home directory itself and its
 * dot folders (keys, credentials, shell start-up files) count: /home/pi/media is data.
 * Under /dev the syslog socket /dev/log is no device: writing to it adds lines to the
 * machine's log, and it is a plain host path. Nor are the devices the runtime gives every
 * container anyway (runc's default device rules: /dev/null, /dev/zero, /dev/full,
 * /dev/random, /dev/urandom, and the TUN device /dev/net/tun a VPN client opens, which makes
 * tunnels in the container's own network namespace). A Windows path is read without its drive
 * (C:\var\lib\kubelet as /var/lib/kubelet), with C:\Windows and the named pipes of the
 * machine's services (\\.\pipe\...) sensitive too. Under /usr/share an application's own
 * folder in appdata (/usr/share/appdata/sonarr, where NAS guides keep each container's
 * data) is a plain host path: appdata itself is the AppStream catalogue of installed
 * programs, read as the XML files directly in it, so a folder below holds no one's data but
 * the application's; /usr/share and appdata itself stay sensitive.
 */
/** An application's data folder under a system path: a folder of its own below /usr/share/appdata (not one of the catalogue's XML files). */
const APP_DATA_UNDER_SYSTEM = /^\/usr\/share\/appdata\/(?![^/]+\.xml$)[^/]+(?:\/|$)/;

/**
 * A Docker host's own configuration under /etc: who may log in and as whom, what runs at
 * boot and on a schedule, what the loader, PAM, the shell, the package manager and the
 * container runtime trust, the network's setup, and the daemons whose configuration runs
 * commands as root (dnsmasq's dhcp-script, supervisord's programs, ppp and DHCP client
 * hooks, acpid's events). Writing to any of it takes the machine.
 */
const ETC_SYSTEM =
  /^\/etc\/(?:passwd|shadow|gshadow|group|sudoers(?:\.d)?|sudo\.conf|ssh|cron\.(?:d|daily|hourly|weekly|monthly|allow|deny)|crontab|anacrontab|at\.(?:allow|deny)|systemd|init\.d|init|rc\.local|rc\d\.d|profile(?:\.d)?|bash\.bashrc|bashrc|zsh|environment|ld\.so\.(?:preload|conf(?:\.d)?)|pam\.d|security|login\.defs|nsswitch\.conf|shells|docker|containerd|crio|containers|cni|kubernetes|rancher|apt|yum(?:\.repos\.d)?|dnf|zypp|apk|modprobe\.d|modules(?:-load\.d)?|sysctl\.(?:conf|d)|udev|fstab|hosts|resolv\.conf|hostname|machine-id|localtime|timezone|os-release|ssl|pki|ca-certificates|netplan|network|networks|NetworkManager|sysconfig|polkit-1|selinux|apparmor(?:\.d)?|audit|logrotate\.(?:conf|d)|rsyslog\.(?:conf|d)|default|grub\.d|exports|iptables|nftables\.conf|firewalld|alternatives|update-motd\.d|xinetd\.d|inetd\.conf|sssd|krb5\.(?:conf|keytab)|dnsmasq\.(?:conf|d)|supervisor|supervisord\.conf|ppp|dhcp|dhclient\.conf|acpi|monit|incron\.d)(?:[/.]|$)/;

const SENSITIVE_HOST_PATHS: ReadonlyArray<{ path: RegExp; what: (host: string) => string }> = [
  { path: /^\/$/, what: (h) => `the ${h}'s whole file system` },
  { path: /^\/etc\/kubernetes(?:\/|$)/, what: (h) => `the ${h}'s Kubernetes configuration, with the kubelet's credentials` },
  { path: /^\/etc(?:\/|$)/, what: (h) => `the ${h}'s configuration` },
  { path: /^\/(?:proc|sys)(?:\/|$)/, what: (h) => `the ${h}'s kernel interfaces` },
  { path: /^\/dev(?!\/(?:log|null|zero|full|random|urandom|net\/tun)$)(?:\/|$)/, what: (h) => `the ${h}'s devices` },
  { path: /^\/root(?:\/|$)|^\/home(?:\/[^/]+)?$|^\/home\/[^/]+\/\./, what: (h) => `home directories of the ${h}'s users, with their keys and credentials` },
  { path: /^\/usr(?:\/local)?\/share(?:\/|$)/, what: (h) => `data that the ${h}'s programs read and trust (their defaults, scripts and keyrings)` },
  // Mounted read-only they give nothing (READABLE_SYSTEM_PATHS); a writable mount is one of these.
  { path: /^\/(?:usr\/)?lib\/modules(?:\/|$)/, what: (h) => `the ${h}'s kernel modules, code its kernel loads as its own` },
  {
    path: /^\/usr\/src(?:\/|$)/,
    what: (h) =>
      `the ${h}'s kernel headers and sources, against which modules for its kernel are built: with /lib/modules they let a container build and load a module that matches the ${h}'s kernel, and written to, they change what the ${h}'s own module builds (DKMS) compile`,
  },
  { path: /^\/(?:boot|usr|bin|sbin|lib|lib64|opt\/cni)(?:\/|$)/, what: (h) => `programs the ${h} runs as root` },
  // Under /run only the machine's services and runtime count: a tool's own folder (/run/promtail, /run/fluent-bit) is a plain host path.
  { path: /^\/(?:var\/)?run$/, what: (h) => `the ${h}'s runtime directory, with the sockets of its services and runtime` },
  { path: /^\/(?:var\/)?run\/user\/\d+(?:\/|$)/, what: (h) => `the session folder of a user logged in on the ${h}, with the sockets of their D-Bus session, agents and sound server` },
  {
    path: /^\/(?:var\/)?run\/(?:systemd|dbus|udev|user|netns|mount|utmp|secrets|kubernetes|k3s|k0s|rke2|containers|runc|podman|docker|containerd|crio|cri-dockerd|flannel|calico|cilium|openvswitch|ovn|multus|libvirt|snapd?|sshd?)(?:[/.]|$)/,
    what: (h) => `the ${h}'s runtime state: the sockets, network namespaces and run-time configuration of its services and container runtime`,
  },
  { path: /^\/(?:var\/)?run\/[^/]+\.sock$/, what: (h) => `the socket of a service of the ${h}` },
  // Where CSI drivers (node-driver-registrar) and other plugins register their sockets: the kubelet then hands the plugin
  // of a driver's name the volumes of that driver, with the Secrets and service account tokens it passes to it.
  {
    path: /^\/var\/lib\/kubelet\/plugins_registry(?:\/|$)/,
    what: (h) => `the kubelet's plugin registration folder: a plugin registered there under a driver's name is handed that driver's volumes on the ${h}, with the Secrets and tokens the kubelet passes it`,
  },
  { path: /^\/var\/lib\/kubelet(?!\/plugins\/(?!kubernetes\.io(?:\/|$))[^/]+(?:\/|$))(?:\/|$)/, what: (h) => `the kubelet's state, with the Secrets and volumes of every pod on the ${h}` },
  { path: /^\/var\/lib\/(?:docker|containerd|containers|rancher|k0s|dockershim|cri-dockerd)(?:\/|$)/, what: (h) => `the container runtime's data, with the files and logs of every container on the ${h}` },
  { path: /^\/var\/lib\/etcd(?:\/|$)/, what: () => "etcd's data, with every Secret of the cluster" },
  { path: /^\/var\/lib\/(?:cni|calico|cilium|kube-proxy|kubernetes|minikube|sss|systemd|dpkg|rpm|lxc|lxd|libvirt)(?:\/|$)/, what: (h) => `the ${h}'s system state` },
  { path: /^\/var\/log(?:\/(?:pods|containers|journal|audit|kubernetes)(?:\/|$)|$)/, what: (h) => `the logs of every pod and service on the ${h}` },
  // The machine's own log files: logins, sudo, the kernel, the kubelet and the runtime (rotated ones too).
  {
    path: /^\/var\/log\/(?:syslog|messages|secure|auth\.log|kern\.log|daemon\.log|user\.log|dmesg|wtmp|btmp|lastlog|faillog|cron|sudo\.log|kubelet[\w.-]*\.log|kube-[\w.-]+\.log|containerd[\w.-]*\.log|cloud-init[\w.-]*\.log)(?:[.-]\d+)?(?:\.gz)?$/,
    what: (h) => `the ${h}'s own logs, with its logins, sudo and kernel messages`,
  },
  { path: /^\/var\/spool(?:\/|$)/, what: (h) => `the ${h}'s spools, crontabs among them` },
  { path: /^\/var(?:\/lib)?$/, what: (h) => `the ${h}'s variable data, with the runtime's and the kubelet's state and the logs of every pod` },
];

/**
 * System paths that hold only what every program may read (CA certificates, the time zone,
 * the OS release, the names of users and groups, the kernel's modules and headers that
 * kube-proxy, a VPN or an eBPF agent load or build against): mounted read-only they give the
 * container nothing of the machine's. Written to, they change what the machine trusts, who
 * it knows or the code its kernel loads, so a writable mount stays sensitive.
 */
const READABLE_SYSTEM_PATHS =
  /^\/(?:etc\/(?:ssl|pki|ca-certificates)(?:\/|$)|usr\/share\/(?:ca-certificates|zoneinfo)(?:\/|$)|(?:usr\/)?lib\/modules(?:\/|$)|usr\/src(?:\/|$)|etc\/(?:localtime|timezone|os-release|machine-id|passwd|group|hostname|resolv\.conf|hosts)$|usr\/lib\/os-release$)/;

export function normalHostPath(path: string): string {
  return path.replace(/\/+$/, '').replace(/\/{2,}/g, '/') || '/';
}

/**
 * What a sensitive host path gives a container, said of `host` (the node or the host), or
 * undefined for a path that is not one, or for a world-readable system path mounted read-only.
 */
export function sensitiveHostPath(path: string, host: 'node' | 'host', readOnly = false): string | undefined {
  if (NAMED_PIPE.test(path)) return `a named pipe of a service of the ${host}, which takes its requests`;
  const windows = windowsPath(path);
  const normal = normalHostPath(windows ?? path);
  if (readOnly && READABLE_SYSTEM_PATHS.test(normal)) return undefined;
  if (APP_DATA_UNDER_SYSTEM.test(normal)) return undefined;
  if (host === 'host' && /^\/etc\/./.test(normal) && !ETC_SYSTEM.test(normal) && !normal.startsWith('/etc/kubernetes')) return undefined;
  if (windows !== undefined && /^\/windows(?:\/|$)/.test(normal)) return `the ${host}'s Windows system directory, with the programs it runs as SYSTEM`;
  return SENSITIVE_HOST_PATHS.find((entry) => entry.path.test(normal))?.what(host);
}

/** A Windows named pipe (`\\.\pipe\csi-proxy-disk-v1`): a service of the machine (csi-proxy, the container runtime) listens there. */
const NAMED_PIPE = /^(?:\\\\|\/\/)\.[\\/]pipe[\\/]/i;

/**
 * A Windows path (`C:\var\lib\kubelet`, `c:/Windows`) as the paths above are written:
 * without its drive, with slashes, in lower case (C:\var\lib\kubelet is the kubelet's
 * directory of a Windows node); undefined for any other path.
 */
function windowsPath(path: string): string | undefined {
  if (!/^[A-Za-z]:(?:[\\/]|$)/.test(path)) return undefined;
  return `/${path.slice(2).replace(/\\/g, '/').replace(/^\/+/, '')}`.toLowerCase();
}

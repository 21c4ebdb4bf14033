import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** A socket that accepts traffic: a TCP listener or a bound, unconnected UDP socket. */
export interface ListeningSocket {
  transport: 'tcp' | 'udp';
  family: 4 | 6;
  address: string;
  port: number;
  inode: number;
  /** The /proc/net file and 1-based line the socket was read from. */
  source: { file: string; line: number };
  process?: { pid: number; name: string };
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** `0100007F` -> 127.0.0.1: /proc/net writes each 32-bit word in host (little-endian) order. */
function decodeAddress(hex: string): { address: string; family: 4 | 6 } | undefined {
  if (hex.length === 8) {
    const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return { address: bytes.join('.'), family: 4 };
  }
  if (hex.length === 32) {
    const words: number[] = [];
    for (let w = 0; w < 4; w++) {
      const word = hex.slice(w * 8, w * 8 + 8);
      for (const i of [6, 4, 2, 0]) words.push(parseInt(word.slice(i, i + 2), 16));
    }
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((words[i]! << 8) | words[i + 1]!).toString(16));
    return { address: compressIpv6(groups), family: 6 };
  }
  return undefined;
}

function compressIpv6(groups: string[]): string {
  const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (mapped) {
    const a = parseInt(groups[6]!, 16);
    const b = parseInt(groups[7]!, 16);
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** Parses the text of /proc/net/{tcp,tcp6,udp,udp6}; lines that do not parse are skipped and counted. */
export function parseProcNet(text: string, transport: 'tcp' | 'udp', file: string): { sockets: ListeningSocket[]; unreadable: number } {
  const sockets: ListeningSocket[] = [];
  let unreadable = 0;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const fields = line.split(/\s+/);
    const [local, remote, state, , , , , , inode] = fields.slice(1);
    const localMatch = /^([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(local ?? '');
    if (!localMatch || !state || !inode) {
      unreadable++;
      continue;
    }
    const listening = transport === 'tcp' ? state === TCP_LISTEN : state === UDP_UNCONNECTED && /^0+:0000$/.test(remote ?? '');
    if (!listening) continue;
    const decoded = decodeAddress(localMatch[1]!);
    const port = parseInt(localMatch[2]!, 16);
    if (!decoded || port === 0) continue;
    sockets.push({ transport, family: decoded.family, address: decoded.address, port, inode: Number(inode), source: { file, line: i + 1 } });
  }
  return { sockets, unreadable };
}

export interface SocketInventory {
  sockets: ListeningSocket[];
  /** Files that could not be read (not Linux, or restricted). */
  missing: string[];
  /** Processes whose file descriptors could not be read (other users' processes without privileges). */
  unreadableProcesses: number;
}

const MAX_PROCESSES = 20_000;

/** Lists listening sockets from `procRoot`/net and maps them to processes through `procRoot`/<pid>/fd. */
export function listListeningSockets(procRoot = '/proc'): SocketInventory {
  const sockets: ListeningSocket[] = [];
  const missing: string[] = [];
  for (const [name, transport] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']] as const) {
    const file = path.join(procRoot, 'net', name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      missing.push(file);
      continue;
    }
    sockets.push(...parseProcNet(text, transport, file).sockets);
  }
  const owners = socketOwners(procRoot, new Set(sockets.map((s) => s.inode)));
  for (const socket of sockets) {
    const owner = owners.byInode.get(socket.inode);
    if (owner) socket.process = owner;
  }
  sockets.sort((a, b) => a.transport.localeCompare(b.transport) || a.port - b.port || a.address.localeCompare(b.address));
  return { sockets, missing, unreadableProcesses: owners.unreadable };
}

function socketOwners(procRoot: string, wanted: Set<number>): { byInode: Map<number, { pid: number; name: string }>; unreadable: number } {
  const byInode = new Map<number, { pid: number; name: string }>();
  let unreadable = 0;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((p) => /^\d+$/.test(p)).slice(0, MAX_PROCESSES);
  } catch {
    return { byInode, unreadable };
  }
  for (const pid of pids.sort((a, b) => Number(a) - Number(b))) {
    if (byInode.size === wanted.size) break;
    let fds: string[];
    try {
      fds = readdirSync(path.join(procRoot, pid, 'fd'));
    } catch {
      unreadable++;
      continue;
    }
    let name: string | undefined;
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(path.join(procRoot, pid, 'fd', fd));
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (!match) continue;
      const inode = Number(match[1]);
      if (!wanted.has(inode) || byInode.has(inode)) continue;
      name ??= processName(procRoot, pid);
      byInode.set(inode, { pid: Number(pid), name });
    }
  }
  return { byInode, unreadable };
}

function processName(procRoot: string, pid: string): string {
  try {
    return readFileSync(path.join(procRoot, pid, 'comm'), 'utf8').trim() || '?';
  } catch {
    return '?';
  }
}

/** The local ephemeral port range: UDP sockets bound there are almost always clients. */
export function ephemeralRange(procRoot = '/proc'): [number, number] {
  try {
    const [low, high] = readFileSync(path.join(procRoot, 'sys', 'net', 'ipv4', 'ip_local_port_range'), 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return [low, high];
  } catch {
    // Not Linux, or not readable: use the kernel default.
  }
  return [32768, 60999];
}

export function isLoopbackAddress(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

export function isAnyAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '*';
}

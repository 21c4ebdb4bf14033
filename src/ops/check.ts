import { isTestCode } from '../core/code-kind.js';
import { severityRank, type ScannerFinding, type Severity } from '../core/finding.js';
import type { ScanWarning } from '../scanners/scanner.js';
import { describePort, sensitivePort } from '../scanners/iac/ports.js';
import { OPS_RULES } from './rules.js';
import { collectDeclarations, type DeclaredPort, type Declarations } from './declared.js';
import { ephemeralRange, isAnyAddress, isLoopbackAddress, listListeningSockets, type ListeningSocket, type SocketInventory } from './sockets.js';


const ruleById = new Map(OPS_RULES.map((r) => [r.id, r]));

export interface OpsCheckOptions {
  declaredRoot: string;
  configFile?: string;
  procRoot?: string;
}

export interface OpsCheckResult {
  declarations: Declarations;
  inventory: SocketInventory;
  findings: ScannerFinding[];
  warnings: ScanWarning[];
}

function matches(declared: DeclaredPort, socket: ListeningSocket): boolean {
  const inRange = declared.toPort === undefined ? declared.port === socket.port : socket.port >= declared.port && socket.port <= declared.toPort;
  return inRange && (declared.transport === 'any' || declared.transport === socket.transport);
}

/**
 * One service as the host shows it: the sockets one program (or one unknown owner) holds
 * on one port in the same reach. A dual-stack service listens twice (0.0.0.0 and ::,
 * 127.0.0.1 and ::1) and is one finding, not two.
 */
interface Listener {
  socket: ListeningSocket;
  addresses: string[];
}

function reach(address: string): string {
  return isLoopbackAddress(address) ? 'loopback' : isAnyAddress(address) ? 'any' : address;
}

function groupListeners(sockets: readonly ListeningSocket[]): Listener[] {
  const groups = new Map<string, Listener>();
  for (const socket of sockets) {
    const key = `${socket.transport}|${socket.port}|${socket.process?.pid ?? '?'}|${reach(socket.address)}`;
    const group = groups.get(key);
    if (group) group.addresses.push(addressText(socket));
    else groups.set(key, { socket, addresses: [addressText(socket)] });
  }
  // IPv4 first: "127.0.0.1:6379 and [::1]:6379".
  for (const group of groups.values()) group.addresses.sort((a, b) => Number(a.startsWith('[')) - Number(b.startsWith('[')));
  return [...groups.values()];
}

function addressText(socket: ListeningSocket): string {
  return socket.family === 6 ? `[${socket.address}]` : socket.address;
}

function listenerText({ socket, addresses }: Listener): string {
  // No owner: a process of another user (without root) or of another PID namespace (a container).
  const owner = socket.process ? ` (${socket.process.name}, pid ${socket.process.pid})` : ' (owner unknown)';
  return `${socket.transport.toUpperCase()} ${addresses.map((a) => `${a}:${socket.port}`).join(' and ')}${owner}`;
}

function finding(ruleId: string, { socket, addresses }: Listener, at: { path: string; line: number }, message: string, severity?: Severity): ScannerFinding {
  const rule = ruleById.get(ruleId)!;
  return {
    ruleId,
    scanner: 'ops',
    severity: severity ?? rule.severity,
    confidence: 'high',
    title: rule.title,
    message,
    cwe: rule.cwe,
    location: { path: at.path, startLine: at.line },
    fix: { summary: rule.remediation },
    fingerprintKey: `${ruleId} ${socket.transport}/${reach(socket.address)}:${socket.port}`,
    properties: {
      transport: socket.transport,
      address: socket.address,
      ...(addresses.length > 1 ? { addresses: addresses.map((a) => a.replace(/^\[|\]$/g, '')) } : {}),
      port: socket.port,
      ...(socket.process ? { process: socket.process.name, pid: socket.process.pid } : {}),
      source: `${socket.source.file}:${socket.source.line}`,
    },
  };
}

/** Compares what listens on this host with what the project declares. */
export async function opsCheck(options: OpsCheckOptions): Promise<OpsCheckResult> {
  const declarations = await collectDeclarations(options.declaredRoot, options.configFile);
  const inventory = listListeningSockets(options.procRoot);
  return { declarations, inventory, ...evaluate(declarations, inventory, ephemeralRange(options.procRoot)) };
}

/** The decision part of `ops check`, separate from reading /proc so it can be tested on any input. */
export function evaluate(declarations: Declarations, inventory: SocketInventory, ephemeral: [number, number]): { findings: ScannerFinding[]; warnings: ScanWarning[] } {
  const findings: ScannerFinding[] = [];
  const warnings: ScanWarning[] = [];
  const place = declarations.configPlace;
  const configAt = { path: place.path, line: place.line };
  // The config file is where a port nobody declares would be allowed; when it does not exist yet, the message says so.
  const toAllow = place.exists ? `allow it in ops.allowedPorts of ${place.path}` : `allow it in ops.allowedPorts of ${place.path} (not created yet: \`secloop init\` writes one)`;
  let skippedClients = 0;

  for (const problem of declarations.problems) warnings.push({ scanner: 'ops', ...(problem.path ? { path: problem.path } : {}), ...(problem.line ? { line: problem.line } : {}), message: problem.message });
  for (const file of inventory.missing) warnings.push({ scanner: 'ops', message: `${file} is not readable: sockets it lists were not checked (ops check reads Linux /proc)` });
  if (inventory.unreadableProcesses > 0)
    warnings.push({ scanner: 'ops', message: `${inventory.unreadableProcesses} processes could not be inspected (other users' processes need root), so some sockets have no owner` });

  for (const listener of groupListeners(inventory.sockets)) {
    const { socket } = listener;
    const matching = declarations.ports.filter((d) => matches(d, socket));
    // A test fixture's chart or compose file (testdata/, test/, fixtures/) describes a test
    // setup, not what the project deploys: a port only fixtures write is not declared.
    const declared = matching.filter((d) => !isTestCode(d.path));
    const fixture = declared.length === 0 ? matching[0] : undefined;
    const loopback = isLoopbackAddress(socket.address);
    // The owning program stands for the image: 5000 is a registry only when the registry serves it.
    const service = sensitivePort(socket.port, socket.transport, socket.process?.name);

    const undeclared = declared.length === 0;
    const undeclaredSeverity: Severity = loopback ? 'low' : 'medium';
    const onlyFixtures = fixture ? ` (only test code declares it: ${fixture.path}:${fixture.line})` : '';
    const declareIt = `declare it where the project describes its services, or ${toAllow}`;
    if (undeclared) {
      // A UDP socket on an ephemeral port is a client waiting for replies, not a service.
      if (socket.transport === 'udp' && socket.port >= ephemeral[0] && socket.port <= ephemeral[1]) {
        skippedClients += listener.addresses.length;
        continue;
      }
      // A sensitive service nobody declares is one finding, below, that says both.
      if (!service) findings.push(finding('ops/undeclared-listener', listener, configAt, `${listenerText(listener)} is listening but the project declares no such port${onlyFixtures}: ${declareIt}.`, undeclaredSeverity));
    } else if (!loopback && declared.every((d) => d.address !== undefined && isLoopbackAddress(d.address))) {
      const first = declared[0]!;
      findings.push(
        finding(
          'ops/binding-broader-than-declared',
          listener,
          { path: first.path, line: first.line },
          `${listenerText(listener)} listens on ${isAnyAddress(socket.address) ? 'all interfaces' : socket.address}, but ${first.what} declares it on ${first.address} only.`,
        ),
      );
    }

    if (service) {
      const at = declared[0] ? { path: declared[0].path, line: declared[0].line } : configAt;
      const sensitiveSeverity: Severity = loopback ? 'low' : service.severity;
      const severity = undeclared && severityRank(undeclaredSeverity) > severityRank(sensitiveSeverity) ? undeclaredSeverity : sensitiveSeverity;
      const sensitive = finding(
        'ops/sensitive-service-listening',
        listener,
        at,
        `${listenerText(listener)} is ${describePort(service)}${loopback ? ', reachable from this host only' : ', reachable from the network'}${
          undeclared ? `, and the project declares no such port${onlyFixtures}: turn it off if nobody meant it to run; otherwise ${declareIt}` : ''
        }.`,
        severity,
      );
      findings.push(undeclared ? { ...sensitive, properties: { ...sensitive.properties, undeclared: true } } : sensitive);
    }
  }
  if (skippedClients > 0) warnings.push({ scanner: 'ops', message: `${skippedClients} UDP sockets on ephemeral ports (${ephemeral[0]}-${ephemeral[1]}) were treated as clients and not reported` });
  return { findings, warnings };
}

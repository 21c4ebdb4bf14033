import type { Severity } from '../core/finding.js';
import type { ScannerFinding } from '../core/finding.js';
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
  return declared.port === socket.port && (declared.transport === 'any' || declared.transport === socket.transport);
}

function socketText(socket: ListeningSocket): string {
  const address = socket.family === 6 ? `[${socket.address}]` : socket.address;
  const owner = socket.process ? ` (${socket.process.name}, pid ${socket.process.pid})` : '';
  return `${socket.transport.toUpperCase()} ${address}:${socket.port}${owner}`;
}

function finding(ruleId: string, socket: ListeningSocket, at: { path: string; line: number }, message: string, severity?: Severity): ScannerFinding {
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
    fingerprintKey: `${ruleId} ${socket.transport}/${socket.address}:${socket.port}`,
    properties: {
      transport: socket.transport,
      address: socket.address,
      port: socket.port,
      ...(socket.process ? { process: socket.process.name, pid: socket.process.pid } : {}),
      source: `${socket.source.file}:${socket.source.line}`,
    },
  };
}

/** Compares what listens on this host with what the project declares. */
export function opsCheck(options: OpsCheckOptions): OpsCheckResult {
  const declarations = collectDeclarations(options.declaredRoot, options.configFile);
  const inventory = listListeningSockets(options.procRoot);
  return { declarations, inventory, ...evaluate(declarations, inventory, ephemeralRange(options.procRoot)) };
}

/** The decision part of `ops check`, separate from reading /proc so it can be tested on any input. */
export function evaluate(declarations: Declarations, inventory: SocketInventory, ephemeral: [number, number]): { findings: ScannerFinding[]; warnings: ScanWarning[] } {
  const findings: ScannerFinding[] = [];
  const warnings: ScanWarning[] = [];
  const configPath = declarations.config.file ? declarations.config.file : 'secloop.yaml';
  const configAt = { path: configPath.startsWith('/') ? relativeTo(declarations.root, configPath) : configPath, line: 1 };
  let skippedClients = 0;

  for (const problem of declarations.problems) warnings.push({ scanner: 'ops', path: problem.path, ...(problem.line ? { line: problem.line } : {}), message: problem.message });
  for (const file of inventory.missing) warnings.push({ scanner: 'ops', message: `${file} is not readable: sockets it lists were not checked (ops check reads Linux /proc)` });
  if (inventory.unreadableProcesses > 0)
    warnings.push({ scanner: 'ops', message: `${inventory.unreadableProcesses} processes could not be inspected (other users' processes need root), so some sockets have no owner` });

  for (const socket of inventory.sockets) {
    const declared = declarations.ports.filter((d) => matches(d, socket));
    const loopback = isLoopbackAddress(socket.address);
    // The owning program stands for the image: 5000 is a registry only when the registry serves it.
    const service = sensitivePort(socket.port, socket.transport, socket.process?.name);

    if (declared.length === 0) {
      // A UDP socket on an ephemeral port is a client waiting for replies, not a service.
      if (socket.transport === 'udp' && socket.port >= ephemeral[0] && socket.port <= ephemeral[1]) {
        skippedClients++;
        continue;
      }
      findings.push(
        finding('ops/undeclared-listener', socket, configAt, `${socketText(socket)} is listening but the project declares no such port.`, loopback ? 'low' : 'medium'),
      );
    } else if (!loopback && declared.every((d) => d.address !== undefined && isLoopbackAddress(d.address))) {
      const first = declared[0]!;
      findings.push(
        finding(
          'ops/binding-broader-than-declared',
          socket,
          { path: first.path, line: first.line },
          `${socketText(socket)} listens on ${isAnyAddress(socket.address) ? 'all interfaces' : socket.address}, but ${first.what} declares it on ${first.address} only.`,
        ),
      );
    }

    if (service) {
      const at = declared[0] ? { path: declared[0].path, line: declared[0].line } : configAt;
      findings.push(
        finding(
          'ops/sensitive-service-listening',
          socket,
          at,
          `${socketText(socket)} is ${describePort(service)}${loopback ? ', reachable from this host only' : ', reachable from the network'}.`,
          loopback ? 'low' : service.severity,
        ),
      );
    }
  }
  if (skippedClients > 0) warnings.push({ scanner: 'ops', message: `${skippedClients} UDP sockets on ephemeral ports (${ephemeral[0]}-${ephemeral[1]}) were treated as clients and not reported` });
  return { findings, warnings };
}

function relativeTo(root: string, file: string): string {
  const rel = file.startsWith(root + '/') ? file.slice(root.length + 1) : file;
  return rel.replace(/\\/g, '/');
}

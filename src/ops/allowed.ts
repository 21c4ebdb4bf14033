import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../core/config.js';
import { parsePortSpec } from '../core/port-spec.js';
import { get, items, keyLine, loadYaml } from '../scanners/iac/yaml/tree.js';
import type { DeclaredPort } from './declared.js';

/** Where `ops.allowedPorts` is, or would be, written: the config file (which may not exist yet) and a line in it. */
export interface ConfigPlace {
  path: string;
  line: number;
  exists: boolean;
}

/**
 * The ports `ops.allowedPorts` allows, each on its own line of the config file, and the
 * place where a port nobody declares would be allowed: the `allowedPorts:` key, else
 * `ops:`, else line 1 (of secloop.yaml at the root when there is no config file).
 */
export function allowedPorts(root: string, config: ResolvedConfig, warn: (place: ConfigPlace, message: string) => void): { ports: DeclaredPort[]; place: ConfigPlace } {
  const file = config.file;
  const display = file ? path.relative(root, file).replace(/\\/g, '/') : 'secloop.yaml';
  // A config outside the project is named as given (absolute): a path with ../ is no place in the report's tree.
  const place: ConfigPlace = { path: file && (display.startsWith('../') || path.isAbsolute(display)) ? file : display, line: 1, exists: file !== undefined };
  let lines: number[] = [];
  if (file) {
    try {
      // loadConfig already read and validated it: only the lines are wanted here.
      const loaded = loadYaml(readFileSync(file, 'utf8'));
      const root = loaded.documents[0]?.root;
      const ops = get(root, 'ops');
      place.line = keyLine(ops, 'allowedPorts') ?? keyLine(root, 'ops') ?? 1;
      lines = items(get(ops, 'allowedPorts')).map((node) => node.line);
    } catch {
      // Read a moment ago by loadConfig; if it is gone now, line 1 will do.
    }
  }
  const ports: DeclaredPort[] = [];
  config.ops.allowedPorts.forEach((written, i) => {
    const at = { ...place, line: lines[i] ?? place.line };
    // loadConfig has validated every entry; one that still does not read is skipped with a warning, not a crash.
    const spec = parsePortSpec(written);
    if (!spec) warn(at, `ops.allowedPorts: ${JSON.stringify(written)} is not a port or a range of ports; it allows nothing`);
    else ports.push({ port: spec.from, ...(spec.to !== spec.from ? { toPort: spec.to } : {}), transport: spec.transport, path: at.path, line: at.line, what: `ops.allowedPorts (${written})` });
  });
  return { ports, place };
}

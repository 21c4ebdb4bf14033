/**
 * A port, or a range of ports, with an optional transport, as `ops.allowedPorts` takes
 * them: `8080`, `"8000-8010"`, `"53/udp"`, `"60000-61000/udp"`.
 */
export interface PortSpec {
  from: number;
  to: number;
  transport: 'tcp' | 'udp' | 'any';
}

const SPEC = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp))?$/i;

/** The port or range a value names, or undefined when it is not one (0, above 65535, a range that runs backwards). */
export function parsePortSpec(value: unknown): PortSpec | undefined {
  const match = SPEC.exec(typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '');
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to > 65535 || to < from) return undefined;
  return { from, to, transport: (match[3]?.toLowerCase() as 'tcp' | 'udp' | undefined) ?? 'any' };
}

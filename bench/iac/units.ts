/**
 * The configuration unit around a line, for the KICS bench's diagnostic column "in the
 * expected resource": a Terraform top-level block, a compose service, a Kubernetes or
 * workflow YAML document, a Dockerfile stage. KICS and secloop sometimes point at
 * different lines of the same resource (the header, the block, the attribute); this
 * tells those apart from findings missing altogether. It does not change the score.
 */
export type UnitKind = 'terraform' | 'compose' | 'workflow' | 'yaml' | 'dockerfile' | 'whole';

/** 1-based [first, last] line of the unit holding `line`. */
export function unitAround(text: string, line: number, kind: UnitKind): [number, number] {
  const lines = text.split('\n');
  const serviceIndent = kind === 'compose' ? childIndent(lines, /^services:\s*(#.*)?$/) : kind === 'workflow' ? childIndent(lines, /^jobs:\s*(#.*)?$/) : -1;
  // Whatever precedes the first unit (comments, a lone document) is a unit of its own.
  const starts: number[] = [1];
  lines.forEach((l, i) => {
    if (startsUnit(l, kind, serviceIndent)) starts.push(i + 1);
  });
  if (kind === 'whole') return [1, lines.length];
  let first = 1;
  for (const s of starts) if (s <= line) first = s;
  const next = starts.find((s) => s > first);
  return [first, next === undefined ? lines.length : next - 1];
}

/** Indentation of the first entry under the top-level key matching `parent`, or -1. */
function childIndent(lines: string[], parent: RegExp): number {
  const at = lines.findIndex((l) => parent.test(l));
  if (at === -1) return -1;
  for (const l of lines.slice(at + 1)) {
    if (l.trim() === '' || l.trim().startsWith('#')) continue;
    return l.length - l.trimStart().length;
  }
  return -1;
}

function startsUnit(line: string, kind: UnitKind, serviceIndent: number): boolean {
  switch (kind) {
    case 'terraform':
      return /^[A-Za-z_][\w-]*(\s+"[^"]*")*\s*\{/.test(line);
    case 'compose':
    case 'workflow': {
      // A service or job (a key at the indentation of the entries under services: or jobs:), or a top-level key.
      const indent = line.length - line.trimStart().length;
      return /^\s*[A-Za-z0-9_.-]+:/.test(line) && (indent === 0 || indent === serviceIndent);
    }
    case 'yaml':
      return /^---/.test(line);
    case 'dockerfile':
      return /^\s*FROM\s/i.test(line);
    default:
      return false;
  }
}

import type { ScannerFinding } from '../../core/finding.js';

/**
 * Files that hold only part of a configuration, which another file completes: a kustomize
 * patch (kubernetes/kustomize.ts), a compose override (a service without image or build),
 * a Kubernetes object that cannot be created as written (kubernetes/model.ts partialObjects).
 * Read as a whole, such a file lacks everything it leaves to the other one, and rules
 * report those settings as missing on a block's line. In it only the findings on values
 * it writes are kept (`privileged: true`, `image: app:latest`, an entry `- SYS_ADMIN`, a
 * flow list of scalars `add: [SYS_ADMIN]`).
 */

/** A line that writes a value: `key: value` (not a list entry's first key). */
const KEY_VALUE = /^\s*[^\s#-][^:#]*:\s+[^\s{[|>&*#]/;
/** A key holding a flow list of scalars: `add: ["SYS_ADMIN"]`, `resources: [nodes/proxy]` (not an empty one, nor one of maps). */
const KEY_FLOW_LIST = /^\s*[^\s#-][^:#]*:\s+\[\s*[^\s\]{[]/;
/** A scalar list entry: `- SYS_ADMIN`, `- "NET_RAW"`. */
const SCALAR_ENTRY = /^\s*-\s+(?:[^\s:{[#'"][^:]*|(['"]).*\1\s*)$/;
/** A key whose value is a block below it. */
const KEY_ONLY = /^\s*[^\s#-][^:#]*:\s*$/;

/** The findings on a value the file writes (or pointing inside one); `partial` says which findings concern a part of the file that is incomplete (all by default). */
export function findingsOnWrittenValues(findings: readonly ScannerFinding[], source: string, partial: (finding: ScannerFinding) => boolean = () => true): ScannerFinding[] {
  const lines = source.split('\n').map((line) => line.replace(/\s+#.*$/, ''));
  const nextLine = (line: number) => lines.slice(line).find((l) => l.trim() !== '') ?? '';
  const writesValue = (line: number | undefined) => {
    if (line === undefined) return false;
    const at = lines[line - 1] ?? '';
    // A key holding a list of scalars (`add:` then `- SYS_ADMIN`) writes that list.
    return KEY_VALUE.test(at) || KEY_FLOW_LIST.test(at) || SCALAR_ENTRY.test(at) || (KEY_ONLY.test(at) && SCALAR_ENTRY.test(nextLine(line)));
  };
  return findings.filter((f) => !partial(f) || writesValue(f.location.startLine) || writesValue(f.location.endLine));
}

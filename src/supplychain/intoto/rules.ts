import { compareCodePoints } from '../json/canonical-json.js';
import type { Artifacts, Link, Rule } from './models.js';
import { fnmatchFilter, pathJoin } from './python-compat.js';

/**
 * Artifact rules with the reference's queue semantics (in_toto.verifylib 1.3.1):
 * every artifact of the item starts in the queue; rules run in order and each
 * removes what it consumes; DISALLOW fails on anything still queued that it matches,
 * REQUIRE fails when its file is no longer (or never was) queued. Patterns are
 * Python fnmatch patterns, where `*` matches `/` too.
 */

export type RuleData =
  | { type: 'create' | 'delete' | 'modify' | 'allow' | 'disallow' | 'require'; pattern: string }
  | { type: 'match'; pattern: string; sourcePrefix: string; destType: 'materials' | 'products'; destPrefix: string; destName: string };

const GENERIC = new Set(['create', 'modify', 'delete', 'allow', 'disallow', 'require']);

export class RuleFormatError extends Error {
  override readonly name = 'RuleFormatError';
}

export class RuleVerificationError extends Error {
  override readonly name = 'RuleVerificationError';
}

export function unpackRule(rule: readonly string[]): RuleData {
  const lower = rule.map((part) => part.toLowerCase());
  const kind = lower[0];
  if (rule.length < 2 || kind === undefined || (!GENERIC.has(kind) && kind !== 'match')) {
    throw new RuleFormatError(`wrong rule format, rules must start with one of MATCH, CREATE, DELETE, MODIFY, ALLOW, DISALLOW, REQUIRE and give a pattern: ${JSON.stringify(rule)}`);
  }
  const pattern = rule[1]!;
  if (kind !== 'match') {
    if (rule.length !== 2) throw new RuleFormatError(`wrong rule format, generic rules take exactly one pattern: ${JSON.stringify(rule)}`);
    return { type: kind as Exclude<RuleData['type'], 'match'>, pattern };
  }
  let sourcePrefix = '';
  let destPrefix = '';
  let destType: string;
  let destName: string;
  if (rule.length === 10 && lower[2] === 'in' && lower[4] === 'with' && lower[6] === 'in' && lower[8] === 'from') {
    [sourcePrefix, destType, destPrefix, destName] = [rule[3]!, lower[5]!, rule[7]!, rule[9]!];
  } else if (rule.length === 8 && lower[2] === 'in' && lower[4] === 'with' && lower[6] === 'from') {
    [sourcePrefix, destType, destName] = [rule[3]!, lower[5]!, rule[7]!];
  } else if (rule.length === 8 && lower[2] === 'with' && lower[4] === 'in' && lower[6] === 'from') {
    [destType, destPrefix, destName] = [lower[3]!, rule[5]!, rule[7]!];
  } else if (rule.length === 6 && lower[2] === 'with' && lower[4] === 'from') {
    [destType, destName] = [lower[3]!, rule[5]!];
  } else {
    throw new RuleFormatError(
      `wrong rule format, match rules must have the format MATCH <pattern> [IN <source-path-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-path-prefix>] FROM <step>: ${JSON.stringify(rule)}`,
    );
  }
  if (destType !== 'materials' && destType !== 'products') {
    throw new RuleFormatError(`wrong rule format, match rules need MATERIALS or PRODUCTS as destination: ${JSON.stringify(rule)}`);
  }
  return { type: 'match', pattern, sourcePrefix, destType, destPrefix, destName };
}

export interface RuleTraceEntry {
  rule: Rule;
  queue: string[];
  note?: string;
}

/** Applies one item's rules for one artifact type; throws RuleVerificationError with a trace. */
export function verifyItemRules(sourceName: string, sourceType: 'materials' | 'products', rules: readonly Rule[], links: ReadonlyMap<string, Link>): RuleTraceEntry[] {
  const source = links.get(sourceName);
  if (!source) throw new RuleVerificationError(`no link metadata for '${sourceName}' to check its ${sourceType} against`);
  const materials = source.materials;
  const products = source.products;
  const artifacts = source[sourceType];
  const queue = new Set(Object.keys(artifacts));
  const trace: RuleTraceEntry[] = [];

  const fail = (message: string): never => {
    throw new RuleVerificationError(`${message}\n${formatTrace(sourceName, sourceType, materials, products, trace)}`);
  };

  for (const rule of rules) {
    const data = unpackRule(rule);
    let consumed = new Set<string>();
    let note: string | undefined;
    switch (data.type) {
      case 'match': {
        const destination = links.get(data.destName);
        if (!destination) note = `no link or inspection named '${data.destName}': nothing matched`;
        else consumed = matchRule(data, queue, artifacts, destination[data.destType]);
        break;
      }
      case 'create':
        consumed = intersect(fnmatchFilter(queue, data.pattern), (p) => has(products, p) && !has(materials, p));
        break;
      case 'delete':
        consumed = intersect(fnmatchFilter(queue, data.pattern), (p) => has(materials, p) && !has(products, p));
        break;
      case 'modify':
        consumed = intersect(fnmatchFilter(queue, data.pattern), (p) => has(materials, p) && has(products, p) && !sameHashes(materials[p]!, products[p]!));
        break;
      case 'allow':
        consumed = new Set(fnmatchFilter(queue, data.pattern));
        break;
      case 'disallow': {
        const matched = fnmatchFilter(queue, data.pattern).sort(compareCodePoints);
        if (matched.length > 0) fail(`'DISALLOW ${data.pattern}' matched the following ${sourceType} of '${sourceName}': ${matched.join(', ')}`);
        break;
      }
      case 'require':
        if (!queue.has(data.pattern)) fail(`'REQUIRE ${data.pattern}' did not find ${data.pattern} among the remaining ${sourceType} of '${sourceName}'`);
        break;
    }
    for (const path of consumed) queue.delete(path);
    trace.push({ rule: [...rule], queue: [...queue].sort(compareCodePoints), ...(note ? { note } : {}) });
  }
  return trace;
}

function matchRule(data: Extract<RuleData, { type: 'match' }>, queue: Set<string>, sourceArtifacts: Artifacts, destArtifacts: Artifacts): Set<string> {
  const consumed = new Set<string>();
  let candidates: string[];
  if (data.sourcePrefix) {
    const prefix = pathJoin(data.sourcePrefix, '');
    candidates = [...queue].filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length));
  } else {
    candidates = [...queue];
  }
  for (const path of fnmatchFilter(candidates, data.pattern)) {
    const sourcePath = data.sourcePrefix ? pathJoin(data.sourcePrefix, path) : path;
    const destPath = data.destPrefix ? pathJoin(data.destPrefix, path) : path;
    const sourceHashes = has(sourceArtifacts, sourcePath) ? sourceArtifacts[sourcePath] : undefined;
    const destHashes = has(destArtifacts, destPath) ? destArtifacts[destPath] : undefined;
    if (!sourceHashes || !destHashes || !sameHashes(sourceHashes, destHashes)) continue;
    consumed.add(sourcePath);
  }
  return consumed;
}

function has(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function intersect(paths: string[], keep: (path: string) => boolean): Set<string> {
  return new Set(paths.filter(keep));
}

/** Python dict equality of two hash dicts. */
export function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => has(b, key) && a[key] === b[key]);
}

function formatTrace(sourceName: string, sourceType: string, materials: Artifacts, products: Artifacts, trace: RuleTraceEntry[]): string {
  const list = (paths: string[]) => (paths.length ? paths.sort(compareCodePoints).join(', ') : '(none)');
  const lines = [`Full trace for 'expected_${sourceType}' of '${sourceName}':`];
  lines.push(`  available materials${sourceType === 'materials' ? ' (the queue)' : ''}: ${list(Object.keys(materials))}`);
  lines.push(`  available products${sourceType === 'products' ? ' (the queue)' : ''}: ${list(Object.keys(products))}`);
  for (const entry of trace) {
    lines.push(`  queue after '${entry.rule.join(' ')}': ${list(entry.queue)}${entry.note ? ` (${entry.note})` : ''}`);
  }
  return lines.join('\n');
}

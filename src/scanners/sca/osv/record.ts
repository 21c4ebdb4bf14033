/** Reading OSV records from untrusted JSON: shape checks, never a throw. */
import type { OsvAffected, OsvEvent, OsvRange, OsvRecord } from './types.js';

export type RecordReading = { record: OsvRecord; problems: string[] } | { record: null; problems: string[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

function readEvent(value: unknown): OsvEvent | null {
  if (!isObject(value)) return null;
  for (const kind of EVENT_KINDS) {
    const v = value[kind];
    if (typeof v === 'string') return { [kind]: v };
  }
  return null;
}

function readRange(value: unknown, where: string, problems: string[]): OsvRange | null {
  if (!isObject(value) || typeof value.type !== 'string' || !Array.isArray(value.events)) {
    problems.push(`${where}: range without a type or events, ignored`);
    return null;
  }
  const events: OsvEvent[] = [];
  value.events.forEach((raw, i) => {
    const event = readEvent(raw);
    if (event) events.push(event);
    else problems.push(`${where}.events[${i}]: not an introduced, fixed, last_affected or limit event, ignored`);
  });
  const range: OsvRange = { type: value.type, events };
  if (typeof value.repo === 'string') range.repo = value.repo;
  if (isObject(value.database_specific)) range.database_specific = value.database_specific;
  return range;
}

function readAffected(value: unknown, where: string, problems: string[]): OsvAffected | null {
  if (!isObject(value)) {
    problems.push(`${where}: not an object, ignored`);
    return null;
  }
  const pkg = value.package;
  const affected: OsvAffected = { ...value } as OsvAffected;
  if (pkg !== undefined) {
    if (!isObject(pkg) || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') {
      problems.push(`${where}.package: needs a string ecosystem and name, entry ignored`);
      return null;
    }
    affected.package = { ecosystem: pkg.ecosystem, name: pkg.name, ...(typeof pkg.purl === 'string' ? { purl: pkg.purl } : {}) };
  }
  if (value.ranges !== undefined && value.ranges !== null) {
    if (!Array.isArray(value.ranges)) {
      problems.push(`${where}.ranges: not a list, ignored`);
      delete affected.ranges;
    } else {
      affected.ranges = value.ranges
        .map((r, i) => readRange(r, `${where}.ranges[${i}]`, problems))
        .filter((r): r is OsvRange => r !== null);
    }
  } else {
    delete affected.ranges;
  }
  const versions = stringArray(value.versions);
  if (versions) affected.versions = versions;
  else delete affected.versions;
  if (!isObject(value.database_specific)) delete affected.database_specific;
  return affected;
}

/** Checks the parts matching relies on; other fields pass through as they are. */
export function readOsvRecord(value: unknown): RecordReading {
  const problems: string[] = [];
  if (!isObject(value)) return { record: null, problems: ['not a JSON object'] };
  if (typeof value.id !== 'string' || value.id === '') return { record: null, problems: ['no "id"'] };
  const record = { ...value, id: value.id, modified: typeof value.modified === 'string' ? value.modified : '' } as OsvRecord;
  if (typeof value.modified !== 'string') problems.push(`${value.id}: no "modified" time`);
  if (value.withdrawn !== undefined && typeof value.withdrawn !== 'string') delete record.withdrawn;
  const aliases = stringArray(value.aliases);
  if (aliases) record.aliases = aliases;
  else delete record.aliases;
  if (value.affected !== undefined && value.affected !== null) {
    if (!Array.isArray(value.affected)) {
      problems.push(`${value.id}: "affected" is not a list`);
      record.affected = [];
    } else {
      record.affected = value.affected
        .map((a, i) => readAffected(a, `${value.id}: affected[${i}]`, problems))
        .filter((a): a is OsvAffected => a !== null);
    }
  }
  if (value.severity !== undefined && !Array.isArray(value.severity)) delete record.severity;
  return { record, problems };
}

/** Parses JSON text into a record; a problem list instead of a throw. */
export function parseOsvJson(text: string): RecordReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { record: null, problems: [`not JSON: ${(error as Error).message}`] };
  }
  return readOsvRecord(value);
}

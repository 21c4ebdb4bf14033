import { OWASP_TOP10 } from './owasp-top10-data.js';

/**
 * CWE -> OWASP Top 10 (2021 and 2025). A CWE that OWASP does not list is mapped through
 * its parent in the CWE research view (CWE-1000), the way the data README asks.
 */
const PARENT_CWE: Readonly<Record<number, number>> = {
  1321: 915, // Prototype pollution is a child of "Improperly Controlled Modification of Dynamically-Determined Object Attributes"
  943: 74, // NoSQL / data query logic injection is a child of generic injection
  250: 269, // Execution with unnecessary privileges -> improper privilege management
  1336: 94, // Server-side template injection -> code injection
  1427: 77, // Prompt injection -> command injection
  1385: 346, // Missing origin validation in WebSockets -> origin validation error
};

const indexByEdition = new Map<string, Map<number, string[]>>();
for (const [edition, categories] of Object.entries(OWASP_TOP10)) {
  const index = new Map<number, string[]>();
  for (const category of categories) {
    for (const cwe of category.cwes) {
      const list = index.get(cwe) ?? [];
      list.push(`${category.id}:${edition}`);
      index.set(cwe, list);
    }
  }
  indexByEdition.set(edition, index);
}

/** "CWE-78" | "78" | 78 -> 78; undefined for anything else. */
export function cweNumber(cwe: string | number): number | undefined {
  const match = /^(?:CWE-)?(\d+)$/i.exec(String(cwe).trim());
  return match ? Number(match[1]) : undefined;
}

function categoriesFor(cwe: number, edition: string, seen = new Set<number>()): string[] {
  const direct = indexByEdition.get(edition)?.get(cwe);
  if (direct) return direct;
  const parent = PARENT_CWE[cwe];
  if (parent === undefined || seen.has(parent)) return [];
  seen.add(cwe);
  return categoriesFor(parent, edition, seen);
}

/** OWASP Top 10 ids ("A03:2021", "A05:2025") for a list of CWEs, both editions, sorted, unique. */
export function owaspFor(cwes: readonly string[]): string[] {
  const result = new Set<string>();
  for (const cwe of cwes) {
    const n = cweNumber(cwe);
    if (n === undefined) continue;
    for (const edition of Object.keys(OWASP_TOP10)) {
      for (const id of categoriesFor(n, edition)) result.add(id);
    }
  }
  return [...result].sort((a, b) => {
    const [ca, ea] = a.split(':') as [string, string];
    const [cb, eb] = b.split(':') as [string, string];
    return ea === eb ? (ca < cb ? -1 : ca > cb ? 1 : 0) : ea < eb ? -1 : 1;
  });
}

/** Title of an OWASP id such as "A03:2021". */
export function owaspTitle(id: string): string | undefined {
  const [category, edition] = id.split(':');
  const list = OWASP_TOP10[edition as '2021' | '2025'];
  return list?.find((c) => c.id === category)?.title;
}

/**
 * Looks a key up in a model table. Keys come from the scanned code (property and
 * module names such as "constructor" or "__proto__"), so only own properties count.
 */
export function own<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

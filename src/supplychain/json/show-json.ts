/** JSON for a message, whatever a hostile file put in the value (big integers included). */
export function showJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? String(value);
  } catch {
    return String(value);
  }
}

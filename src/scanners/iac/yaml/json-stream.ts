/**
 * A stream of JSON objects written one after another (`{...}\n{...}`), as kubectl reads a
 * file of them (argo-cd's testdata/json-list/list.json): not YAML, whose parser stops at
 * the second object. Only the split is done here; each object is parsed as YAML (JSON is
 * YAML) by the caller, at its own offset.
 */

/**
 * The [start, end) offsets of the top-level objects, when the text holds two or more JSON
 * objects with nothing but whitespace around and between them; otherwise undefined (a
 * single object, a list, text outside the objects, an object left open). Brackets inside
 * strings do not count.
 */
export function jsonObjectStream(text: string): Array<[number, number]> | undefined {
  const objects: Array<[number, number]> = [];
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  // A byte order mark before the first object.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  skipSpace();
  while (i < n) {
    if (text[i] !== '{') return undefined;
    const start = i;
    let depth = 0;
    for (; i < n; i++) {
      const c = text[i]!;
      if (c === '"') {
        for (i++; i < n && text[i] !== '"'; i++) if (text[i] === '\\') i++;
        if (i >= n) return undefined;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (--depth === 0) break;
      }
    }
    if (i >= n) return undefined;
    objects.push([start, ++i]);
    skipSpace();
  }
  return objects.length >= 2 ? objects : undefined;
}

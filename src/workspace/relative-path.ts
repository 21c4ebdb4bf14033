/**
 * `rest` taken from the folder `base`, both `/`-separated paths from the scan root ('' is
 * the root), normalised (`a/b` + `../c` = `a/c`); undefined when it climbs above the root.
 */
export function resolveWithinRoot(base: string, rest: string): string | undefined {
  const parts: string[] = [];
  for (const part of [...base.split('/'), ...rest.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

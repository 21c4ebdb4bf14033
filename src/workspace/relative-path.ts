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

/**
 * A path as a configuration file writes it (`./apps/prod/`, `charts/web`, `.`), taken from
 * the folder `base`, as a path of the scan; undefined for an empty path, a URL, a template
 * (`{{ }}`, `${ }`), an absolute path or one that climbs out of the scan root.
 */
export function writtenScanPath(base: string, written: string | undefined): string | undefined {
  if (written === undefined || /\{\{|\$\{|:\/\/|\0/.test(written) || written.trim() === '') return undefined;
  const cleaned = written.trim().replace(/\\/g, '/');
  return cleaned.startsWith('/') ? undefined : resolveWithinRoot(base, cleaned);
}

import { parseSync } from 'oxc-parser';
import type { WorkspaceFile } from '../../workspace/files.js';
import { exceedsSafeNesting } from '../shared/js-nesting.js';

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?)$/;

/** Files whose imports count as the project's own use of its dependencies. */
export function isProjectSource(path: string): boolean {
  return SOURCE_FILE.test(path) && !/(^|\/)(node_modules|dist|build|coverage|vendor)\//.test(path) && !path.endsWith('.d.ts');
}

/** "lodash/fp" -> "lodash", "@scope/pkg/x" -> "@scope/pkg"; relative, absolute and node: specifiers -> undefined. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (!specifier || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('#')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

/**
 * Names of the npm packages the project's own code imports: static and dynamic
 * `import`, `export ... from`, and `require("x")` / `require.resolve("x")` with a
 * literal argument. Type-only imports do not count (they vanish at run time).
 * Returns null when a file could not be read, so callers know the answer is partial.
 */
export async function importedPackages(files: readonly WorkspaceFile[], onFile?: () => void): Promise<{ names: Set<string>; unparsed: string[] }> {
  const names = new Set<string>();
  const unparsed: string[] = [];
  for (const file of files) {
    const text = await file.text();
    onFile?.();
    if (text === null) continue;
    if (exceedsSafeNesting(text)) {
      unparsed.push(file.path);
      continue;
    }
    let result: ReturnType<typeof parseSync>;
    try {
      result = parseSync(file.path, text, { sourceType: 'unambiguous' as 'module' });
    } catch {
      unparsed.push(file.path);
      continue;
    }
    for (const entry of result.module.staticImports) {
      if (entry.entries.length > 0 && entry.entries.every((e) => e.isType)) continue;
      add(names, entry.moduleRequest.value);
    }
    for (const entry of result.module.staticExports) {
      for (const item of entry.entries) if (item.moduleRequest) add(names, item.moduleRequest.value);
    }
    for (const dynamic of result.module.dynamicImports) {
      add(names, literalAt(text, dynamic.moduleRequest.start, dynamic.moduleRequest.end));
    }
    if (text.includes('require')) {
      for (const match of text.matchAll(/\brequire(?:\.resolve)?\s*\(\s*(['"`])([^'"`\n]+)\1\s*\)/g)) add(names, match[2]!);
    }
  }
  return { names, unparsed };
}

function add(names: Set<string>, specifier: string | undefined): void {
  const name = specifier === undefined ? undefined : packageOfSpecifier(specifier);
  if (name) names.add(name);
}

/** The value of a string literal spanning [start, end), or undefined when it is not a plain literal. */
function literalAt(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start, end).trim();
  const match = /^(['"`])([^'"`$]*)\1$/.exec(raw);
  return match?.[2];
}

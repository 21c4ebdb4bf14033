import type { ModuleResolver } from './resolve.js';

/** Import and require specifiers, found without parsing (only to group files; the analysis parses properly). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]{1,300})\1/gm;

export function specifiers(text: string): string[] {
  const out: string[] = [];
  SPECIFIER.lastIndex = 0;
  for (let m = SPECIFIER.exec(text); m; m = SPECIFIER.exec(text)) out.push(m[2]!);
  return out;
}

/**
 * Splits a project into parts that cannot exchange data flows: files of different
 * packages that never import each other. Files start grouped by their nearest
 * package.json and groups joined by every import that crosses them.
 */
export function independentParts(sources: ReadonlyArray<{ path: string; text: string }>, resolver: ModuleResolver): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let y = x; parent.get(y) !== root; ) {
      const next = parent.get(y)!;
      parent.set(y, root);
      y = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const groupOf = (file: string) => `pkg:${resolver.packageFor(file)?.dir ?? ''}`;
  for (const s of sources) {
    parent.set(s.path, s.path);
    const group = groupOf(s.path);
    if (!parent.has(group)) parent.set(group, group);
    union(s.path, group);
  }
  for (const s of sources) {
    for (const spec of specifiers(s.text)) {
      const target = resolver.resolve(s.path, spec);
      if (target && parent.has(target)) union(s.path, target);
    }
  }
  const parts = new Map<string, string[]>();
  for (const s of sources) {
    const root = find(s.path);
    const list = parts.get(root) ?? [];
    list.push(s.path);
    parts.set(root, list);
  }
  return [...parts.values()];
}

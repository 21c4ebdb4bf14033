import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** One `// ruleid: <rule>` or `// ok: <rule>` annotation and the line it applies to. */
export interface Annotation {
  kind: 'ruleid' | 'ok';
  ruleId: string;
  path: string;
  /** The first line after the annotation that is not itself an annotation. */
  line: number;
}

const ANNOTATION = /(?:\/\/|\/\*|\{\/\*|<%#|\{\{!--)\s*(ruleid|ok):\s*([\w/,\s-]+?)\s*(?:\*\/\}?|%>|--\}\})?\s*$/;
const SOURCE = /\.(c|m)?[jt]sx?$/;

/** Semgrep-style annotations of every source file under a fixture directory. */
export function readAnnotations(root: string): Annotation[] {
  const out: Annotation[] = [];
  for (const rel of listFiles(root)) {
    if (!SOURCE.test(rel)) continue;
    const lines = readFileSync(path.join(root, rel), 'utf8').split('\n');
    lines.forEach((text, i) => {
      const match = ANNOTATION.exec(text.trim());
      if (!match) return;
      let target = i + 1;
      while (target < lines.length && ANNOTATION.test(lines[target]!.trim())) target++;
      for (const ruleId of match[2]!.split(',').map((r) => r.trim()).filter(Boolean)) {
        out.push({ kind: match[1] as 'ruleid' | 'ok', ruleId, path: rel, line: target + 1 });
      }
    });
  }
  return out;
}

export function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

import type { Analyzer } from './analyzer.js';
import type { AstNode } from '../source/parse.js';

/** Work budgets of the analysis: per entry point and for the whole project, and the warnings when one runs out. */

/** Starts a fresh budget for the entry point `name`. */
export function beginEntry(an: Analyzer, name: string): void {
  an.entryWork = 0;
  an.entryName = name;
}

/**
 * Runs `body` as an entry point with a budget of its own, named `name` in warnings, and
 * gives the enclosing entry point its budget back afterwards (a module's top level loaded
 * by another module's import, an exported function entered while analysing another).
 */
export function withEntryBudget<T>(an: Analyzer, name: string, body: () => T): T {
  const saved = { work: an.entryWork, name: an.entryName };
  beginEntry(an, name);
  try {
    return body();
  } finally {
    an.entryWork = saved.work;
    an.entryName = saved.name;
  }
}

export function isExhausted(an: Analyzer): boolean {
  return an.entryWork > an.entryBudget || an.work > an.totalBudget;
}

export function tick(an: Analyzer, node: AstNode): void {
  an.work++;
  an.entryWork++;
  if (an.entryWork === an.entryBudget + 1 || an.work === an.totalBudget + 1) {
    const frame = an.frame;
    const key = an.entryName;
    if (!an.budgetWarned.has(key)) {
      an.budgetWarned.add(key);
      const file = an.files.get(frame?.moduleId ?? '');
      an.warnings.push({
        path: frame?.moduleId ?? '',
        line: file ? file.lines.line(node.start) : 1,
        message: `analysis budget reached in ${key}: calls beyond this point are approximated, flows may be missed`,
      });
    }
  }
}

export function warnOnce(an: Analyzer, node: AstNode, message: string): void {
  const path = an.currentModule();
  const key = `${path}|${message}`;
  if (an.budgetWarned.has(key)) return;
  an.budgetWarned.add(key);
  const file = an.files.get(path);
  an.warnings.push({ path, line: file ? file.lines.line(node.start) : 1, message });
}

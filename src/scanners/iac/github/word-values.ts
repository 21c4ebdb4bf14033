import { isYScalar } from '../yaml/tree.js';
import { evaluate, isConstant, parseExpression, type ExprNode } from './expression.js';
import { envScopes, inputDeclarations, type Step, type Workflow } from './model.js';
import type { WordValue } from './release-tools.js';

/** How many `${{ env.X }}` deep an env value is followed. */
const MAX_DEPTH = 4;

/**
 * What a word of a step's script holds where the workflow writes it down: `$NAME` or
 * `${NAME}` of the step's, job's or workflow's `env:` (the innermost that sets it), when no
 * script of the job sets it otherwise (in the step's script, or written to GITHUB_ENV by an
 * earlier step); a `${{ }}` expression that is a constant (`${{ false }}`), reads such an
 * env value (`${{ env.DRY_RUN }}`), or reads an input the workflow does not declare (always
 * empty). Any other input is not known: a run by hand, or a caller, chooses it, whatever its
 * default. Undefined where not known.
 */
export function stepWordValue(wf: Workflow, step: Step): WordValue {
  const script = typeof step.run?.value === 'string' ? step.run.value : '';
  const earlier = step.job.steps.filter((s) => s.index < step.index && typeof s.run?.value === 'string' && /\bGITHUB_ENV\b/.test(s.run.value)).map((s) => s.run!.value as string);
  const env = (name: string, depth: number): string | undefined => {
    const setBy = new RegExp(`(?:^|[\\s;&|("'])(?:export\\s+|readonly\\s+|local\\s+|declare\\s+(?:-\\w+\\s+)?)?${name}(?:=|<<)|\\bread\\b[^\\n]*\\b${name}\\b`);
    if (setBy.test(script) || earlier.some((text) => setBy.test(text))) return undefined;
    const scope = envScopes(wf, step)
      .reverse()
      .find((s) => s.pairs.some((p) => p.key === name));
    const node = scope?.pairs.find((p) => p.key === name)?.value;
    if (!isYScalar(node)) return undefined;
    const value = node.value === null ? '' : String(node.value);
    return value.includes('${{') ? expressionValue(value, depth + 1) : value;
  };
  const expressionValue = (word: string, depth: number): string | undefined => {
    const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(word.trim())?.[1];
    const tree = inner === undefined || inner.includes('${{') || depth > MAX_DEPTH ? undefined : parseExpression(inner);
    if (!tree) return undefined;
    const name = contextPath(tree);
    if (name?.[0] === 'env' && name.length === 2) return env(name[1]!, depth);
    if (name?.[0] === 'inputs' && name.length === 2 && !wf.composite && inputDeclarations(wf, name[1]!).length === 0) return '';
    if (!isConstant(tree)) return undefined;
    const value = evaluate(tree, {});
    return value === 'unknown' || typeof value === 'object' ? (value === null ? '' : undefined) : String(value);
  };
  return (word) => {
    const variable = /^\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})$/.exec(word);
    if (variable) return env(variable[1] ?? variable[2]!, 0);
    return expressionValue(word, 0);
  };
}

/** `env.DRY_RUN` as ['env', 'DRY_RUN']; undefined for anything but a context read by names alone. */
function contextPath(node: ExprNode): string[] | undefined {
  if (node.kind !== 'context' || !node.access.every((a) => 'name' in a)) return undefined;
  return [node.head, ...node.access.map((a) => (a as { name: string }).name)];
}

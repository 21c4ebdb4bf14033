import { UNKNOWN, evaluate, type Value } from '../../src/scanners/iac/terraform/hcl/evaluate.js';
import { parseHcl } from '../../src/scanners/iac/terraform/hcl/parser.js';
import { fileScope } from '../../src/scanners/iac/terraform/model.js';

/** The locals of a Terraform text as the evaluator computes them, unknown parts written '?'. */
export function locals(source: string): Record<string, unknown> {
  const body = parseHcl(source).body;
  const scope = fileScope(body);
  const out: Record<string, unknown> = {};
  const shown = (v: Value): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === UNKNOWN ? '?' : x)) ?? '"?"');
  for (const block of body.blocks) if (block.type === 'locals') for (const a of block.body.attributes) out[a.name] = shown(evaluate(a.expr, scope));
  return out;
}

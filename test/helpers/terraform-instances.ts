import { readTerraform } from '../../src/scanners/iac/terraform/model.js';
import { terraformRules } from '../../src/scanners/iac/terraform/rules/index.js';
import { fileInstance } from '../../src/scanners/iac/terraform/rules/instances.js';

/**
 * Runs every Terraform rule on a file and gives what is left of its budget of instances read
 * one by one (rules/instances.ts): the work the rules did, as a number a worker can send back.
 */
export function instanceBudgetLeft(source: string): { left: number; steps: number } {
  const input = readTerraform(source, () => {})!;
  for (const rule of terraformRules) [...rule.check(input)];
  return { ...fileInstance(input).budget };
}

import { analyseFile } from '../../src/scanners/iac/index.js';

/** Lines on which one IaC rule fires for a file's text (Terraform unless the name says otherwise). */
export function linesOf(ruleId: string, source: string, fileName = 'main.tf'): number[] {
  return analyseFile(fileName, source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => f.location.startLine)
    .sort((a, b) => a - b);
}

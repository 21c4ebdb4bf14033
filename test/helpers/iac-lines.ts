import type { ScannerFinding } from '../../src/core/finding.js';
import { analyseFile } from '../../src/scanners/iac/index.js';

/** A text of these lines, each ended with a newline. */
export const lines = (...l: string[]): string => l.join('\n') + '\n';

/** The findings of one IaC rule for a file's text (Terraform unless the name says otherwise), in the order the rule gives them. */
export function findingsOf(ruleId: string, source: string, fileName = 'main.tf'): ScannerFinding[] {
  return analyseFile(fileName, source, () => {}).findings.filter((f) => f.ruleId === ruleId);
}

/** Lines on which one IaC rule fires for a file's text (Terraform unless the name says otherwise). */
export function linesOf(ruleId: string, source: string, fileName = 'main.tf'): number[] {
  return findingsOf(ruleId, source, fileName)
    .map((f) => f.location.startLine)
    .sort((a, b) => a - b);
}

/** The messages of one IaC rule for a file's text, in the order the rule gives them. */
export const messagesOf = (ruleId: string, source: string, fileName = 'main.tf'): string[] => findingsOf(ruleId, source, fileName).map((f) => f.message);

/** `line message` of each finding of one IaC rule for a file's text, in the order the rule gives them. */
export const saidOf = (ruleId: string, source: string, fileName = 'main.tf'): string[] => findingsOf(ruleId, source, fileName).map((f) => `${f.location.startLine} ${f.message}`);

/** `variable "enabled"` with a default: what unmadeDynamic's for_each reads. */
export const enabledVariable = (value: boolean): string => lines('variable "enabled" {', `  default = ${value}`, '}');

/** A dynamic block `name` that makes nothing while var.enabled is false (enabledVariable), with `content` lines. */
export const unmadeDynamic = (name: string, indent: string, ...content: string[]): string[] => [
  `${indent}dynamic "${name}" {`,
  `${indent}  for_each = var.enabled ? [1] : []`,
  `${indent}  content {`,
  ...content.map((c) => `${indent}    ${c}`),
  `${indent}  }`,
  `${indent}}`,
];

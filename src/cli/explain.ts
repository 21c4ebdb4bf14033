import type { Command } from 'commander';
import { RETIRED_RULES } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { owaspFor } from '../core/taxonomy.js';
import { allRuleGroups } from '../docs/rule-groups.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('Explain a rule: what it detects, why it matters, how to fix it. Without RULE, list every rule.')
    .argument('[rule]', 'rule id, e.g. secrets/github-pat')
    .action(async (ruleId: string | undefined) => {
      const rules = (await allRuleGroups()).flatMap((group) => [...group.rules()]);
      if (!ruleId) {
        for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : 1)))
          process.stdout.write(`${rule.id.padEnd(44)} ${rule.severity.padEnd(8)} ${rule.title}\n`);
        return;
      }
      const rule = rules.find((r) => r.id === ruleId);
      const retired = RETIRED_RULES.get(ruleId);
      if (!rule && retired) {
        process.stdout.write(`${ruleId}: retired. ${retired}\n`);
        return;
      }
      if (!rule) throw new UsageError(`unknown rule '${ruleId}' (secloop explain lists them all)`);
      const owasp = owaspFor(rule.cwe);
      process.stdout.write(
        [
          `${rule.id}: ${rule.title}`,
          `severity: ${rule.severity}   ${[...rule.cwe, ...owasp].join(' ')}`,
          '',
          rule.description,
          '',
          `How to fix: ${rule.remediation}`,
          ...(rule.helpUri ? ['', rule.helpUri] : []),
          '',
        ].join('\n'),
      );
    });
}

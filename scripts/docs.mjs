#!/usr/bin/env node
// `npm run docs`: regenerates docs/rules.md from the rule records (after `npm run build`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { allRuleGroups } = await import(path.join(root, 'dist/src/docs/rule-groups.js'));
const { rulesPage } = await import(path.join(root, 'dist/src/docs/rules-page.js'));
writeFileSync(path.join(root, 'docs', 'rules.md'), rulesPage(await allRuleGroups()));
console.log('wrote docs/rules.md');
